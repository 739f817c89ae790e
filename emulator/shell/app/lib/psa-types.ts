// The JSON of `GET /api/emulator/psa`: a tenant's PSA data and its extensions' schedules, shared
// by the server and the page. Money is integer cents; absent values are null.

export interface ShellPsaClient {
  clientId: string;
  clientName: string;
  clientType: string | null;
  isInactive: boolean;
  defaultCurrencyCode: string | null;
  accountManagerName: string | null;
  billingEmail: string | null;
}

export interface ShellPsaService {
  serviceId: string;
  serviceName: string;
  itemKind: 'service' | 'product';
  billingMethod: string;
  serviceTypeName: string | null;
  /** Cents. */
  defaultRate: number;
  unitOfMeasure: string;
  isActive: boolean;
  sku: string | null;
  /** The region of the service's tax rate, or null when not taxed. */
  taxRegion: string | null;
}

export interface ShellPsaTaxRate {
  taxRateId: string;
  regionCode: string;
  name: string;
  taxPercentage: number;
  isActive: boolean;
}

export interface ShellPsaInvoiceItem {
  itemId: string;
  serviceId: string | null;
  description: string;
  quantity: number;
  /** All amounts in cents. */
  unitPrice: number;
  netAmount: number;
  taxAmount: number;
  taxRegion: string | null;
  taxRate: number;
  totalPrice: number;
  isDiscount: boolean;
}

export interface ShellPsaInvoice {
  invoiceId: string;
  invoiceNumber: string;
  clientId: string;
  /** The client's name, or null when the client is gone. */
  clientName: string | null;
  /** The client's default currency, or null. */
  currencyCode: string | null;
  invoiceDate: string;
  dueDate: string;
  poNumber: string | null;
  status: string;
  subtotal: number;
  tax: number;
  total: number;
  items: ShellPsaInvoiceItem[];
}

export interface ShellPsaSchedule {
  scheduleId: string;
  /** The install's `publisher.name`. */
  extension: string;
  installId: string;
  name: string | null;
  /** `METHOD /path`. */
  endpoint: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  /** ISO times, or null. */
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastRunStatus: string | null;
  lastError: string | null;
}

export interface ShellPsaData {
  tenantId: string;
  clients: ShellPsaClient[];
  services: ShellPsaService[];
  taxRates: ShellPsaTaxRate[];
  invoices: ShellPsaInvoice[];
  schedules: ShellPsaSchedule[];
}
