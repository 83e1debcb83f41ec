// The temp folders this test file made, for temp-cleanup.ts to remove when it ends.
export const madeTempDirs: string[] = [];
