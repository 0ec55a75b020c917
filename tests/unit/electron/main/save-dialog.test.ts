import { describe, expect, it } from 'vitest';
import { folderDialogs } from '../../../../electron/main/dialogs';
import type { DialogLike, SaveDialogOptionsLike } from '../../../../electron/main/electron-api';

// The save dialog behind the sovereignty report's export, over a recording dialog of Electron's shape
// (no Electron binary here).
function recordingDialog(answer: { canceled: boolean; filePath?: string }): { dialog: DialogLike; asked: SaveDialogOptionsLike[] } {
  const asked: SaveDialogOptionsLike[] = [];
  return {
    asked,
    dialog: {
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showSaveDialog: async (options) => (asked.push(options), answer),
    },
  };
}

const REQUEST = { title: 'Export the sovereignty report', defaultName: 'aiprod-sovereignty-report-2026-11-23T12-00-00Z.html', filters: [{ name: 'Web page', extensions: ['html'] }] };

describe('the save dialog', () => {
  it('offers the report name and its type, confirms an overwrite, and answers the chosen path', async () => {
    const { dialog, asked } = recordingDialog({ canceled: false, filePath: '/home/ana/report.html' });
    expect(await folderDialogs(dialog).saveFile?.(REQUEST)).toBe('/home/ana/report.html');
    expect(asked[0]).toMatchObject({ title: REQUEST.title, defaultPath: REQUEST.defaultName, filters: REQUEST.filters });
    expect(asked[0]?.properties).toContain('showOverwriteConfirmation');
  });

  it('answers null when the user cancels (Electron then gives an empty path)', async () => {
    expect(await folderDialogs(recordingDialog({ canceled: true, filePath: '' }).dialog).saveFile?.(REQUEST)).toBeNull();
    expect(await folderDialogs(recordingDialog({ canceled: false, filePath: '' }).dialog).saveFile?.(REQUEST)).toBeNull();
  });

  it('is left out when the dialog module has no save dialog', () => {
    expect(folderDialogs({ showOpenDialog: async () => ({ canceled: true, filePaths: [] }) }).saveFile).toBeUndefined();
  });
});
