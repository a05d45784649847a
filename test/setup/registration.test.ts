import assert from 'node:assert/strict';
import { DEFAULT_CATALOGUE } from '../../src/catalogue';
import { describeRegistration, maySetUp, validateChoice } from '../../src/setup/registration';

const ADMIN = '11111111-2222-3333-4444-555555555555';

describe('channel registration rules', () => {
  it('accepts services from the catalogue and drops repeats', () => {
    const result = validateChoice({ itRequests: true, services: ['printing', 'wifi', 'printing'], praisePosts: false }, DEFAULT_CATALOGUE);
    assert.deepEqual(result, { ok: true, value: { itRequests: true, services: ['printing', 'wifi'], praisePosts: false } });
  });

  it('refuses a service that is not in the catalogue (forged card data)', () => {
    const result = validateChoice({ itRequests: true, services: ['printing', 'bitcoin-miner'], praisePosts: false }, DEFAULT_CATALOGUE);
    assert.equal(result.ok, false);
  });

  it('refuses services without IT requests, saying what to do', () => {
    const result = validateChoice({ itRequests: false, services: ['wifi'], praisePosts: true }, DEFAULT_CATALOGUE);
    assert.deepEqual(result, { ok: false, reason: 'Services only apply to IT requests. Turn on IT requests, or clear the services.' });
  });

  it('lets any team member set up when there are no admins, and only admins otherwise', () => {
    assert.equal(maySetUp('99999999-2222-3333-4444-555555555555', []), true);
    assert.equal(maySetUp(ADMIN.toUpperCase(), [ADMIN]), true);
    assert.equal(maySetUp('99999999-2222-3333-4444-555555555555', [ADMIN]), false);
    assert.equal(maySetUp(undefined, [ADMIN]), false);
  });

  it('describes a registration in plain words', () => {
    assert.equal(describeRegistration({ itRequests: true, services: [], praisePosts: false }, DEFAULT_CATALOGUE), 'IT requests for all services');
    assert.equal(
      describeRegistration({ itRequests: true, services: ['printing', 'wifi'], praisePosts: true }, DEFAULT_CATALOGUE),
      'IT requests about Printing, copying, scanning and payment; Public and staff Wi-Fi only and the weekly thanks post',
    );
    assert.equal(describeRegistration({ itRequests: false, services: [], praisePosts: false }, DEFAULT_CATALOGUE), 'nothing yet');
  });
});
