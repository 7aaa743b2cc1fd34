import { describe, expect, it } from 'vitest';
import type { AgreementResult } from '../../../src/core/api';
import { agreementCsv, csvField } from '../../../src/renderer/src/app/agreementCsv';

const RESULT: AgreementResult = {
  annotators: ['bob', 'carol'],
  documents: 2,
  pairs: [
    {
      a: 'bob',
      b: 'carol',
      tp: 3,
      onlyA: 3,
      onlyB: 3,
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
      cohenKappa: null,
      tokens: 375,
      byLabel: {},
    },
  ],
  fleissKappa: 0.778,
  krippendorffAlpha: 0.779,
  fleissTokens: 375,
  krippendorffTokens: 375,
  byLabel: { Person: { tp: 2, onlyA: 1, onlyB: 0, f1: 0.8 }, Location: { tp: 0, onlyA: 0, onlyB: 1, f1: 0 } },
  byDocument: [
    { document: 'tajikistan', title: 'Tajikistan, Russia: "cooperation"', annotators: ['bob', 'carol'], disagreements: 6, f1: 0.4, krippendorffAlpha: 0.732, tokens: 300 },
    { document: 'formula', title: '=HYPERLINK("x")', annotators: ['bob', 'carol'], disagreements: 0, f1: null, krippendorffAlpha: null, tokens: 75 },
  ],
};

describe('agreement CSV', () => {
  it('writes the pairs, labels, documents (worst first) and the overall figures, each with its header', () => {
    const lines = agreementCsv(RESULT).split('\r\n');
    expect(lines).toEqual([
      '# Pairs (precision = tp/|b| and recall = tp/|a|)',
      'a,b,tp,onlyA,onlyB,precision,recall,f1,cohenKappa,tokens',
      'bob,carol,3,3,3,0.5,0.5,0.5,,375',
      '',
      '# Labels (summed over the pairs)',
      'label,tp,onlyA,onlyB,f1',
      'Location,0,0,1,0',
      'Person,2,1,0,0.8',
      '',
      '# Documents (worst agreement first)',
      'document,title,annotators,disagreements,f1,krippendorffAlpha,tokens',
      'tajikistan,"Tajikistan, Russia: ""cooperation""",bob carol,6,0.4,0.732,300',
      `formula,"'=HYPERLINK(""x"")",bob carol,0,,,75`,
      '',
      '# Overall',
      'annotators,documents,fleissKappa,fleissTokens,krippendorffAlpha,krippendorffTokens',
      'bob carol,2,0.778,375,0.779,375',
      '',
    ]);
  });

  it('quotes what needs quoting and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('-1+1')).toBe("'-1+1");
    expect(csvField(-0.25)).toBe('-0.25');
    expect(csvField(null)).toBe('');
  });
});
