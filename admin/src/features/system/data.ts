// The System page's data: GET /admin/api/system (server/system.ts), read
// with the signed-in user's token; the server answers owners and managers
// only (401 / 403 otherwise, shown as the API's message).
import type { SystemReport } from "../../../../shared/system.ts";
import type { RequestOptions } from "../../platform/results.ts";
import { fetchServerFile } from "../../platform/serverFiles.ts";

export const systemPath = "/admin/api/system";

export async function fetchSystemReport(options: RequestOptions = {}): Promise<SystemReport> {
  const response = await fetchServerFile(systemPath, "application/json", "The system's status could not be read.", options);
  return (await response.json()) as SystemReport;
}
