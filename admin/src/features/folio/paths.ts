// Where the desk's money screens live (mounted by ./routes.tsx).
export const cashDrawerPath = "/cash-drawer";
