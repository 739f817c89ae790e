/** The `secret_envelope` of an execute request (spec 02). */
export interface SecretEnvelope {
  ciphertext_b64: string;
  algorithm?: string | null;
  version?: string | null;
  expires_at?: string | null;
  key_path?: string | null;
  mount?: string | null;
}

/** Decrypts `vault-transit*` envelopes; the emulator's local transit fake implements it. */
export interface TransitDecrypter {
  decrypt(envelope: SecretEnvelope): Uint8Array;
}
