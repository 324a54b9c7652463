// Where the group booking screens live in the console (under /admin).
export const newGroupPath = "/groups/new";
export const groupPath = (id: string) => `/groups/${id}`;
/** A reservation's page (the reservations resource's show view) and its Folio tab. */
export const reservationPath = (id: string) => `/reservations/${id}/show`;
export const reservationFolioPath = (id: string) => `/reservations/${id}/show/folio`;
/** The reservations list searched by a group code: the group's rooms. */
export const groupRoomsListPath = (groupCode: string) => `/reservations?filter=${encodeURIComponent(JSON.stringify({ q: groupCode }))}`;
