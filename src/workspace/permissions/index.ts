// The permission system's public API: load settings, decide requests, remember "yes, always".
export { addAllowRule, localSettingsFile } from './always-allow.js';
export { PermissionPolicy, type PolicyOptions } from './decide.js';
export { type ParsedRule, type PermissionRule, type RuleKind, RuleSyntaxError, parseRule } from './rules.js';
export {
  type HookSettings,
  type LoadSettingsOptions,
  type PermissionSettings,
  type SettingsScope,
  type SettingsSource,
  SettingsError,
  loadPermissionSettings,
  settingsFiles,
  settingsSources,
} from './settings.js';
export { type ShellAnalysis, type ShellPart, analyzeCommand } from './shell-analysis.js';
export { loadShellParser } from './shell-parser.js';
export { printModeDenial, suggestCommandRule, suggestPathRule } from './suggest.js';
export { type AccessRequest, type Decision, MODES, type Mode, type PartDecision, type Verdict } from './types.js';
