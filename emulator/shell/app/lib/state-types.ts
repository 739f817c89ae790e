// The JSON the shell's API answers (`GET /api/emulator/state`), shared by the server and the page.

export type Portal = 'msp' | 'client-portal';

export interface ShellTenant {
  id: string;
  name: string;
}

export interface ShellUser {
  id: string;
  tenantId: string;
  email: string;
  name: string;
  role: string;
  userType: 'internal' | 'client';
  clientId: string | null;
  permissions: string[];
}

/** One installed, enabled extension of the shown tenant with its menu labels per portal. */
export interface ShellExtension {
  registryId: string;
  installId: string;
  slug: string;
  name: string;
  publisher: string;
  version: string;
  contentHash: string | null;
  /** `ui.hooks.appMenu.label` (MSP portal) and `ui.hooks.clientPortalMenu.label` (client portal). */
  menus: { msp: string | null; clientPortal: string | null };
  /** `ui.entry` (or null for an extension without UI). */
  uiEntry: string | null;
}

export interface ShellState {
  tenants: ShellTenant[];
  /** The tenant shown: the signed-in user's, else `?tenantId=`, else the default tenant. */
  tenantId: string;
  users: ShellUser[];
  /** Who the session cookie signs in, or null. */
  principal: ShellUser | null;
  extensions: ShellExtension[];
  settings: {
    runnerPublicBase: string;
    mainUrl: string;
    runnerUrl: string;
    signingMode: string;
    dataDir: string;
  };
  /** Exact commands that publish and install an extension for the shown tenant (the empty state). */
  commands: string[];
  parityNotes: string[];
}
