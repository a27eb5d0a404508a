/** A configuration problem, said in one line that names the setting (never its value). */
export class ConfigError extends Error {}
