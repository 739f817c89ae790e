// clients / services through the public harness: the test guest's /probe route calls the host
// function inside the real component, reached through the Gateway, over the seeded PSA fixture.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type InstallResult, type TestEmulator } from '../../harness/index.ts';
import { TEST_GUEST_DIR } from '../../harness/runner-fixture.ts';

describe('PSA reads through the Gateway', () => {
  let emu: TestEmulator;
  let ext: InstallResult;
  beforeAll(async () => {
    emu = await createEmulator({ env: { EXT_GATEWAY_RATE_LIMIT: 'off' } });
    ext = await emu.install(TEST_GUEST_DIR, { grants: ['cap:client.read', 'cap:service.read'] });
  });
  afterAll(async () => {
    await emu.close();
  });

  const probe = async (iface: string, fn: string, args: unknown[]) => {
    const res = await emu.invoke(ext, { method: 'POST', path: '/probe', json: { iface, fn, args } });
    expect(res.status).toBe(200);
    return res.json();
  };

  it('should list the tenant’s clients, inactive included, on the page asked for', async () => {
    expect(await probe('clients', 'listClients', [{ includeInactive: true, page: 2, pageSize: 2 }])).toEqual({
      ok: {
        items: [
          {
            clientId: 'c0000000-0000-4000-8000-000000000003',
            clientName: 'Cedar Dental Group',
            clientType: 'company',
            isInactive: false,
            defaultCurrencyCode: 'CAD',
            accountManagerId: 'a0000000-0000-4000-8000-000000000001',
            accountManagerName: 'Dana Whitfield',
            billingEmail: 'accounts@cedardental.example',
          },
          {
            clientId: 'c0000000-0000-4000-8000-000000000004',
            clientName: 'Northwind Traders',
            clientType: 'company',
            isInactive: true,
            defaultCurrencyCode: 'USD',
            accountManagerId: 'a0000000-0000-4000-8000-000000000002',
            accountManagerName: 'Marcus Lee',
            billingEmail: 'finance@northwind.example',
          },
        ],
        totalCount: 6,
        page: 2,
        pageSize: 2,
      },
    });
  });

  it('should list services filtered by billing method, and survive a snapshot/restore around the reads', async () => {
    const clean = await emu.snapshot();
    const usage = {
      ok: {
        items: [
          {
            serviceId: '5e000000-0000-4000-8000-000000000007',
            serviceName: 'Cloud Backup',
            itemKind: 'service',
            billingMethod: 'usage',
            serviceTypeId: '7e000000-0000-4000-8000-000000000005',
            serviceTypeName: 'Cloud',
            defaultRate: 25,
            unitOfMeasure: 'GB',
            isActive: true,
            sku: 'CL-BACKUP',
          },
          {
            serviceId: '5e000000-0000-4000-8000-000000000008',
            serviceName: 'Email Security Filtering',
            itemKind: 'service',
            billingMethod: 'usage',
            serviceTypeId: '7e000000-0000-4000-8000-000000000005',
            serviceTypeName: 'Cloud',
            defaultRate: 300,
            unitOfMeasure: 'mailbox',
            isActive: true,
            sku: 'CL-MAILSEC',
          },
        ],
        totalCount: 2,
        page: 1,
        pageSize: 25,
      },
    };
    expect(await probe('services', 'listServices', [{ billingMethod: 'usage' }])).toEqual(usage);
    await emu.restore(clean);
    expect(await probe('services', 'listServices', [{ billingMethod: 'usage' }])).toEqual(usage);
  });

  it('should answer the WIT errors: invalid-input for bad paging, not-allowed for another install without the grant', async () => {
    expect(await probe('clients', 'listClients', [{ page: 0 }])).toEqual({ err: 'invalid-input' });
    const ungranted = await emu.install(TEST_GUEST_DIR, { tenant: 'second' });
    const res = await emu.invoke(ungranted, { method: 'POST', path: '/probe', json: { iface: 'services', fn: 'getService', args: ['5e000000-0000-4000-8000-000000000001'] } });
    expect(res.json()).toEqual({ err: 'not-allowed' });
  });
});
