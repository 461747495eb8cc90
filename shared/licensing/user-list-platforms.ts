// The user lists of the platforms Seatkeeper's customers run, as those platforms export them (rule 34): which column
// is read as which account field, how its values read, and which columns are known but have no bearing on counting.
// Each platform's header names come from its documentation or a real export; test/fixtures/user-lists/ keeps them
// with their sources. Header names match case-insensitively, with spaces collapsed.

/** What a column can be read as: the fields of an account row, plus `anonymous` (rule 2: such rows are no account). */
export type AccountField =
  | 'environment'
  | 'production'
  | 'provider'
  | 'tenant'
  | 'username'
  | 'email'
  | 'active'
  | 'it_user'
  | 'role'
  | 'anonymous';

/** How a column's values read as a yes/no: each accepted value (lower case) and its meaning. */
export interface Vocabulary {
  /** For messages: how to describe the accepted values. */
  describe: string;
  /** The accepted values as written, for a message in another language. */
  words: readonly string[];
  values: ReadonlyMap<string, boolean>;
}

export interface PlatformColumn {
  /** The header name, as the platform writes it. */
  name: string;
  /** The field it is read as; null: known, and not needed for counting (`why` says so). */
  field: AccountField | null;
  vocabulary?: Vocabulary;
  /** The column holds a tenant's id, not a name: the provider's default tenant must be told apart (rule 16). */
  tenantId?: boolean;
  /** Why the column is read the way it is, or why it is not needed; shown in the mapping. */
  why?: string;
  /** Written only by Seatkeeper's users export: a header holding it is such an export. */
  exportOnly?: boolean;
}

export interface Platform {
  id: 'seatkeeper' | 'outsystems' | 'mendix' | 'entra' | 'okta' | 'google-workspace';
  name: string;
  columns: readonly PlatformColumn[];
}

const vocabulary = (describe: string, yes: readonly string[], no: readonly string[]): Vocabulary => ({
  describe,
  words: [...yes, ...no],
  values: new Map([
    ...yes.map((v) => [v.toLowerCase(), true] as const),
    ...no.map((v) => [v.toLowerCase(), false] as const),
  ]),
});

/** Seatkeeper's own booleans: true/false, 1/0, yes/no in any case. */
export const YES_NO = vocabulary('true or false, 1 or 0, yes or no', ['true', '1', 'yes'], ['false', '0', 'no']);
const TRUE_FALSE = vocabulary('True or False', ['true', '1'], ['false', '0']);

/** Okta's user statuses: an account that exists and can be (or is being) used counts; one not yet or no longer usable does not. */
const OKTA_STATUS = vocabulary(
  'an Okta status: ACTIVE, PROVISIONED, RECOVERY, PASSWORD_EXPIRED, LOCKED_OUT (counted) or STAGED, SUSPENDED, DEPROVISIONED (not counted)',
  ['ACTIVE', 'PROVISIONED', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT'],
  ['STAGED', 'SUSPENDED', 'DEPROVISIONED'],
);
const OKTA_STATUS_WHY =
  'ACTIVE, PROVISIONED, RECOVERY, PASSWORD_EXPIRED and LOCKED_OUT are active accounts; STAGED, SUSPENDED and DEPROVISIONED are not';

/** Google Workspace's user status as the Admin console downloads it. */
const GOOGLE_STATUS = vocabulary('Active, Suspended or Archived', ['Active'], ['Suspended', 'Archived']);

const notNeeded = (why: string, ...names: string[]): PlatformColumn[] =>
  names.map((name) => ({ name, field: null, why }));

export const SEATKEEPER: Platform = {
  id: 'seatkeeper',
  name: "Seatkeeper's own columns",
  columns: [
    { name: 'environment', field: 'environment' },
    { name: 'production', field: 'production', vocabulary: YES_NO },
    { name: 'provider', field: 'provider' },
    { name: 'tenant', field: 'tenant' },
    { name: 'username', field: 'username' },
    { name: 'email', field: 'email' },
    { name: 'active', field: 'active', vocabulary: YES_NO },
    { name: 'it_user', field: 'it_user', vocabulary: YES_NO },
    { name: 'role', field: 'role' },
    // Columns the users export adds after the import's own.
    ...notNeeded(
      "written by Seatkeeper's users export; worked out again when counting",
      'classification',
      'reason',
    ).map((column) => ({ ...column, exportOnly: true })),
    ...notNeeded("a person's details, not counting facts", 'name', 'last_sign_in_at'),
  ],
};

export const PLATFORMS: readonly Platform[] = [
  SEATKEEPER,
  {
    id: 'outsystems',
    name: 'OutSystems (User entity)',
    columns: [
      { name: 'Username', field: 'username' },
      { name: 'Email', field: 'email' },
      { name: 'Is_Active', field: 'active', vocabulary: TRUE_FALSE },
      {
        name: 'Tenant_Id',
        field: 'tenant',
        tenantId: true,
        why: "the user provider's default tenant merges across providers; other tenants never do (rule 16)",
      },
      ...notNeeded("a person's details, not counting facts", 'Id', 'Name', 'MobilePhone', 'External_Id', 'Password'),
      ...notNeeded('dates do not decide counting (only Is_Active does)', 'Creation_Date', 'Last_Login'),
    ],
  },
  {
    id: 'mendix',
    name: 'Mendix (System.User / Administration.Account)',
    columns: [
      { name: 'Name', field: 'username' },
      { name: 'Email', field: 'email' },
      { name: 'Active', field: 'active', vocabulary: TRUE_FALSE },
      {
        name: 'WebServiceUser',
        field: 'it_user',
        vocabulary: TRUE_FALSE,
        why: 'a web-service user is a technical account, not a person using the apps (rule 3)',
      },
      {
        name: 'IsAnonymous',
        field: 'anonymous',
        vocabulary: TRUE_FALSE,
        why: 'anonymous users never count (rule 2): those rows are skipped',
      },
      {
        name: 'Blocked',
        field: null,
        why: 'a temporary lock after failed sign-ins; the account stays active and counts (rule 1)',
      },
      {
        name: 'UserType',
        field: null,
        why: "Mendix's own internal/external flag; Seatkeeper classifies by the environment's internal domains (rules 5-13)",
      },
      ...notNeeded("a person's details, not counting facts", 'FullName', 'IsLocalUser', 'FailedLogins'),
      ...notNeeded('dates do not decide counting (only Active does)', 'LastLogin', 'BlockedSince'),
    ],
  },
  {
    id: 'entra',
    name: 'Microsoft Entra ID (Download users)',
    columns: [
      { name: 'userPrincipalName', field: 'username' },
      { name: 'mail', field: 'email' },
      { name: 'accountEnabled', field: 'active', vocabulary: TRUE_FALSE },
      {
        name: 'userType',
        field: null,
        why: "Entra's Member/Guest; Seatkeeper classifies by the environment's internal domains (rules 5-13)",
      },
      ...notNeeded(
        "a person's details, not counting facts",
        'displayName',
        'surname',
        'givenName',
        'objectId',
        'id',
        'jobTitle',
        'department',
        'usageLocation',
        'streetAddress',
        'state',
        'country',
        'physicalDeliveryOfficeName',
        'officeLocation',
        'city',
        'postalCode',
        'telephoneNumber',
        'mobile',
        'mobilePhone',
        'authenticationPhoneNumber',
        'authenticationAlternativePhoneNumber',
        'authenticationEmail',
        'alternateEmailAddress',
        'ageGroup',
        'consentProvidedForMinor',
        'legalAgeGroupClassification',
        'companyName',
        'creationType',
        'directorySynced',
        'invitationState',
        'identityIssuer',
        'createdDateTime',
      ),
    ],
  },
  {
    id: 'okta',
    name: 'Okta (user export, Password Health report)',
    columns: [
      { name: 'login', field: 'username' },
      { name: 'profile.login', field: 'username' },
      { name: 'email', field: 'email' },
      { name: 'profile.email', field: 'email' },
      { name: 'status', field: 'active', vocabulary: OKTA_STATUS, why: OKTA_STATUS_WHY },
      ...notNeeded(
        "a person's details, not counting facts",
        'id',
        'user',
        'first name',
        'firstName',
        'profile.firstName',
        'last name',
        'lastName',
        'profile.lastName',
        'secondary email',
        'secondEmail',
        'mobile phone',
        'mobilePhone',
        'authentication source',
      ),
      ...notNeeded(
        'dates do not decide counting (only the status does)',
        'created',
        'activated',
        'activation date',
        'last login',
        'last login date',
        'lastLogin',
        'last updated date',
        'lastUpdated',
        'password changed date',
        'passwordChanged',
        'last password change',
        'status changed',
        'statusChanged',
      ),
    ],
  },
  {
    id: 'google-workspace',
    name: 'Google Workspace (Admin console: Download users)',
    columns: [
      { name: 'Email Address [Required]', field: 'email' },
      { name: 'Status [READ ONLY]', field: 'active', vocabulary: GOOGLE_STATUS },
      ...notNeeded(
        "a person's details, not counting facts",
        'First Name [Required]',
        'Last Name [Required]',
        'Password [Required]',
        'Password Hash Function [UPLOAD ONLY]',
        'Org Unit Path [Required]',
        'New Primary Email [UPLOAD ONLY]',
        'Recovery Email',
        'Home Secondary Email',
        'Work Secondary Email',
        'Recovery Phone [MUST BE IN THE E.164 FORMAT]',
        'Work Phone',
        'Home Phone',
        'Mobile Phone',
        'Work Address',
        'Home Address',
        'Employee ID',
        'Employee Type',
        'Employee Title',
        'Manager Email',
        'Department',
        'Cost Center',
        '2sv Enrolled [READ ONLY]',
        '2sv Enforced [READ ONLY]',
        'Building ID',
        'Floor Name',
        'Floor Section',
        'Email Usage [READ ONLY]',
        'Drive Usage [READ ONLY]',
        'Photos Usage [READ ONLY]',
        'Total Storage [READ ONLY]',
        'Storage limit [READ ONLY]',
        'Storage Used [READ ONLY]',
        'Change Password at Next Sign-In',
        'New Status [UPLOAD ONLY]',
        'New Licenses [UPLOAD ONLY]',
        'Advanced Protection Program enrollment',
        'Gemini Limit Status [READ ONLY]',
      ),
      ...notNeeded('dates do not decide counting (only the status does)', 'Last Sign In [READ ONLY]'),
    ],
  },
];

/** How header names compare: case, surrounding spaces and runs of spaces do not matter. */
export function headerKey(name: string): string {
  return name
    .replace(/^\uFEFF/, '')
    .trim()
    .replace(/\s+/g, ' ')
    .toLowerCase();
}
