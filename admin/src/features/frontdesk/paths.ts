// Where the front desk's own screens live in the console (under /admin).
export const newBookingPath = "/bookings/new";
export const tapeChartPath = "/tape-chart";
