/** A service IT supports for the library. Ids are stable; names are what people read. */
export interface Service {
  id: string;
  name: string;
}

/** The default library service catalogue (domain.md). */
export const DEFAULT_CATALOGUE: readonly Service[] = [
  { id: 'lms', name: 'Library management system' },
  { id: 'discovery', name: 'Catalogue and discovery' },
  { id: 'link-resolver', name: 'Link resolver and knowledge base' },
  { id: 'e-access', name: 'E-resource access and sign-in' },
  { id: 'vendor-platforms', name: 'Vendor and publisher platforms' },
  { id: 'self-check', name: 'Self-check, RFID, gates and sorters' },
  { id: 'sip2', name: 'SIP2 connection' },
  { id: 'public-pcs', name: 'Public PCs and booking' },
  { id: 'printing', name: 'Printing, copying, scanning and payment' },
  { id: 'wifi', name: 'Public and staff Wi-Fi' },
  { id: 'website', name: 'Library website' },
  { id: 'staff-it', name: 'Staff devices, accounts and email' },
  { id: 'other', name: 'Other' },
];
