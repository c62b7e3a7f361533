/** The runbook: the procedure a person can follow, built from the plan or proved by a run. */
export * from './model.ts';
export { buildRunbook, checksOf, sentSteps } from './build.ts';
export { annotateWithRun, kernelRelease, type RunRecord, type RunTexts } from './annotate.ts';
export { parseSshLog, type SentCommand } from './transcript.ts';
export { diskLines, personCommand, withDiskVars } from './display.ts';
export { renderMarkdown } from './markdown.ts';
export { renderScript } from './script.ts';
export { readProcedureFile, runbookFromRun } from './from-run.ts';
