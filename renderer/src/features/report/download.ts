// Hands exported text to the user as a file download, entirely in the page: a Blob, an object URL
// and a temporary link. No request leaves the page (blob: URLs live in this process), which is how
// the headless host's studio saves a report without a native dialog.

export function downloadText(fileName: string, mimeType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // The download has taken its copy once click() returns to the event loop.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
