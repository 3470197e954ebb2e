/**
 * The auditors' HTTP API is not part of TMF654, so it lives under a base path of its own and is
 * versioned apart from the TMF views.
 */
export const AUDIT_V1_PATH = 'audit/v1';
