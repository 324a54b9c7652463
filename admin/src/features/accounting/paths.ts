// Where the accounting screens live (mounted by ./routes.tsx).
export const accountingTabs = ["folios", "journal", "trial-balance", "invoices", "payments", "owners", "reconciliation", "legal-details"] as const;
export type AccountingTab = (typeof accountingTabs)[number];

export const accountingPath = (tab: AccountingTab = "folios") => `/accounting/${tab}`;
export const folioPath = (folioId: string) => `/accounting/folios/${folioId}`;
