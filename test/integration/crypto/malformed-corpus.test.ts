import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCadesSignature } from '../../../src/main/core/crypto/cades';
import { verifyCades } from '../../../src/main/core/crypto/verify';
import { loadTestPki, type TestPki } from '../../fixtures/pki';
import { keySignerFor } from '../../support/signers';

let pki: TestPki;
let valid: Buffer[];
const content = Buffer.from('Отчёт о соблюдении экологических требований');
const digest = createHash('sha256').update(content).digest();

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

beforeAll(async () => {
  pki = await loadTestPki();
  valid = [
    Buffer.from(await createCadesSignature({ signer: keySignerFor(pki, pki.rsaSigner), contentDigest: digest })),
    Buffer.from(await createCadesSignature({ signer: keySignerFor(pki, pki.ecSigner), contentDigest: digest, content })),
  ];
});

type Mutation = { kind: 'truncated' | 'random' | 'flipped' | 'length' | 'nesting' | 'wrong-type'; bytes: Buffer };

function corpus(count: number): Mutation[] {
  const next = random(20261122);
  const pick = (limit: number): number => Math.floor(next() * limit);
  const items: Mutation[] = [];
  for (let index = 0; items.length < count; index += 1) {
    const source = valid[index % valid.length] as Buffer;
    switch (index % 6) {
      case 0:
        items.push({ kind: 'truncated', bytes: source.subarray(0, pick(source.length)) });
        break;
      case 1:
        items.push({ kind: 'random', bytes: Buffer.from(Array.from({ length: 1 + pick(4096) }, () => pick(256))) });
        break;
      case 2: {
        const copy = Buffer.from(source);
        for (let flips = 1 + pick(8); flips > 0; flips -= 1) {
          const at = pick(copy.length);
          copy[at] = (copy[at] ?? 0) ^ (1 << pick(8));
        }
        items.push({ kind: 'flipped', bytes: copy });
        break;
      }
      case 3: {
        // An absurd length somewhere: four length octets claiming almost 4 GiB.
        const copy = Buffer.from(source);
        const at = 1 + pick(copy.length - 6);
        copy[at] = 0x84;
        copy.fill(0xff, at + 1, at + 5);
        items.push({ kind: 'length', bytes: copy });
        break;
      }
      case 4: {
        const depth = 100 + pick(20_000);
        const opening = Buffer.alloc(depth * 2);
        for (let level = 0; level < depth; level += 1) opening.set([0x30, 0x80], level * 2);
        items.push({ kind: 'nesting', bytes: Buffer.concat([opening, Buffer.alloc(pick(2) === 0 ? depth * 2 : 0)]) });
        break;
      }
      default:
        items.push({ kind: 'wrong-type', bytes: pick(2) === 0 ? pki.rsaSigner.certDer : Buffer.from(pki.rsaSigner.certPem) });
    }
  }
  return items;
}

describe('malformed signatures', () => {
  it('turns 2,400 generated malformed signatures into verdicts, none throwing, each under 100 ms of CPU', () => {
    const items = corpus(2400);
    const slowest = { ms: 0, kind: '' };
    const verdicts = new Map<string, number>();
    for (const item of items) {
      // CPU time, not wall time: other test files share the two cores of a CI machine.
      const started = process.cpuUsage();
      const report = verifyCades(item.bytes, { content, trustAnchors: [pki.root.certDer] });
      const used = process.cpuUsage(started);
      const elapsed = (used.user + used.system) / 1000;
      if (elapsed > slowest.ms) Object.assign(slowest, { ms: elapsed, kind: item.kind });
      verdicts.set(`${item.kind}:${report.subIndication ?? report.indication}`, (verdicts.get(`${item.kind}:${report.subIndication ?? report.indication}`) ?? 0) + 1);
      if (item.kind !== 'flipped') expect(report.indication, item.kind).not.toBe('TOTAL_PASSED');
      if (item.kind === 'random' || item.kind === 'nesting' || item.kind === 'wrong-type') expect(report.subIndication, item.kind).toBe('FORMAT_FAILURE');
    }
    expect(slowest.ms, `slowest: ${slowest.kind}`).toBeLessThan(100);
    expect(verdicts.get('truncated:FORMAT_FAILURE')).toBe(400);
  });
});
