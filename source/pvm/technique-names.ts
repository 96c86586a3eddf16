/** The names of the six dispatch techniques, apart from their code, so the command line's flag table can list them without loading them. */
export const TECHNIQUES = ['stc', 'ttc', 'ptc', 'itc', 'dtc', 'translated'] as const;
export type Technique = (typeof TECHNIQUES)[number];
