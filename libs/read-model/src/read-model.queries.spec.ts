import { containmentAlternatives } from './read-model.queries';

describe('attribute filters as jsonb containment', () => {
  it('matches a top-level attribute as a value or within a list', () => {
    expect(containmentAlternatives('status', 'active')).toEqual([{ status: 'active' }, { status: ['active'] }]);
  });

  it('matches a dotted path through objects and lists at every level', () => {
    expect(containmentAlternatives('relatedParty.id', 'p1')).toEqual([
      { relatedParty: { id: 'p1' } },
      { relatedParty: [{ id: 'p1' }] },
      { relatedParty: { id: ['p1'] } },
      { relatedParty: [{ id: ['p1'] }] },
    ]);
  });
});
