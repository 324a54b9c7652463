// The logging the simulated provider needs: a pino logger fits, and so does
// nothing at all.
export type LogMethod = (fields: object, message?: string) => void;

export interface ProviderLogger {
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
}

const ignore: LogMethod = () => {};

export const silentLogger: ProviderLogger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
