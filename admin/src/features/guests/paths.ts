// Where the Guests screens live in the console (under /admin).
export const guestsPath = "/guests";
export const guestPath = (id: string) => `/guests/${id}`;
/** A reservation's page (the reservations resource's show view). */
export const reservationPath = (id: string) => `/reservations/${id}/show`;
