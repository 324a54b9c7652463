// Browser only (DOM): the root tsconfig leaves shared/browser/ out, so Node
// code cannot import it by mistake; the rest of shared/ runs everywhere.

/** Saves a file the app fetched (e.g. an invoice's PDF) under a name, as the browser saves downloads. */
export function saveFile(file: Blob, fileName: string): void {
  const url = URL.createObjectURL(file);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // The browser reads the file asynchronously after click(): free it a little later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
