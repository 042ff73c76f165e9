/** What a caller may see: null = the whole city; otherwise area codes whose insides and ancestors are visible. */
export type Scope = string[] | null;
