/**
 * The one place each API version's base path is written. Controllers mount under it, and every
 * absolute href (responses, Location headers, published bucket state) is built from it.
 */
export const TMF654_V2_PATH = 'tmf-api/prepayBalanceManagement/v2';

/** `https://host/tmf-api/prepayBalanceManagement/v2` for a public base URL without a trailing slash. */
export function tmf654V2Base(publicBaseUrl: string): string {
  return `${publicBaseUrl}/${TMF654_V2_PATH}`;
}
