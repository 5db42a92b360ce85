namespace CustomerDirectory.Domain.Staff;

/// <summary>
/// What a member of staff may do. A role (permission set) is a set of these; every Domain operation requires one
/// (see <see cref="StaffAccess"/>), and the UI hides what the set leaves out, but the UI is never the gate.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "Permission is the product's word; no Code Access Security here.")]
public enum Permission
{
    /// <summary>See the directory and profiles (names; contact details and financials need their own permission).</summary>
    ViewProfiles,

    /// <summary>See email, phone and address. Masked otherwise, everywhere: lists, profile, filters, exports, live updates.</summary>
    ViewContactDetails,

    /// <summary>See total spent, orders, donations and membership rates; masked otherwise, and not usable in filters.</summary>
    ViewFinancials,

    ViewNotes,
    WriteNotes,
    CreateProfiles,
    EditProfiles,
    DeleteProfiles,

    /// <summary>Put tags on profiles and take them off.</summary>
    TagProfiles,

    /// <summary>Record visits, orders, donations, memberships and loyalty points.</summary>
    RecordActivity,

    ManageManualGroups,

    /// <summary>Create and edit automated groups and their rules, overrides, update now, pause.</summary>
    ManageAutomatedGroups,

    Import,
    Export,
    ManageCustomFields,

    /// <summary>Rename and delete tags, manage mailing lists.</summary>
    ManageTags,

    ManageStaff,
    ViewAuditLog,

    /// <summary>Business settings, saved views shared with everyone, and the background jobs.</summary>
    ManageSettings,

    /// <summary>Build campaign audiences from groups, see who is sendable, freeze and export snapshots.</summary>
    BuildAudiences,

    /// <summary>Wire group entries and exits to webhooks, confirm held deliveries, resend.</summary>
    ManageAutomations,

    /// <summary>The insights page: rankings over a period and the charts.</summary>
    ViewInsights,

    /// <summary>Create and revoke the API keys tills and websites use.</summary>
    ManageApiKeys,
}

public static class Permissions
{
    public static IReadOnlyList<Permission> All { get; } = Enum.GetValues<Permission>();

    /// <summary>How the Staff page names a permission.</summary>
    public static string Describe(this Permission permission) => permission switch
    {
        Permission.ViewProfiles => "View profiles",
        Permission.ViewContactDetails => "View contact details (email, phone, address)",
        Permission.ViewFinancials => "View financials (total spent, orders, donations)",
        Permission.ViewNotes => "View internal notes",
        Permission.WriteNotes => "Write internal notes",
        Permission.CreateProfiles => "Create profiles",
        Permission.EditProfiles => "Edit profiles",
        Permission.DeleteProfiles => "Delete profiles",
        Permission.TagProfiles => "Tag profiles",
        Permission.RecordActivity => "Record visits, orders and donations",
        Permission.ManageManualGroups => "Manage manual groups",
        Permission.ManageAutomatedGroups => "Manage automated groups and rules",
        Permission.Import => "Import",
        Permission.Export => "Export",
        Permission.ManageCustomFields => "Manage custom fields",
        Permission.ManageTags => "Manage tags and mailing lists",
        Permission.ManageStaff => "Manage staff and permissions",
        Permission.ViewAuditLog => "View the audit log",
        Permission.ManageSettings => "Manage settings and jobs",
        Permission.BuildAudiences => "Build audiences and export snapshots",
        Permission.ManageAutomations => "Manage automations (webhooks)",
        Permission.ViewInsights => "View insights",
        Permission.ManageApiKeys => "Manage API keys",
        _ => permission.ToString(),
    };

    /// <summary>What a refusal says: "You may not {verb}."</summary>
    internal static string Verb(this Permission permission) => permission switch
    {
        Permission.ViewProfiles => "view profiles",
        Permission.ViewContactDetails => "see contact details",
        Permission.ViewFinancials => "see financials",
        Permission.ViewNotes => "read internal notes",
        Permission.WriteNotes => "write internal notes",
        Permission.CreateProfiles => "create profiles",
        Permission.EditProfiles => "edit profiles",
        Permission.DeleteProfiles => "delete profiles",
        Permission.TagProfiles => "tag profiles",
        Permission.RecordActivity => "record visits, orders or donations",
        Permission.ManageManualGroups => "change manual groups",
        Permission.ManageAutomatedGroups => "change automated groups",
        Permission.Import => "import",
        Permission.Export => "export",
        Permission.ManageCustomFields => "change custom fields",
        Permission.ManageTags => "change tags or mailing lists",
        Permission.ManageStaff => "manage staff",
        Permission.ViewAuditLog => "view the audit log",
        Permission.ManageSettings => "change settings or jobs",
        Permission.BuildAudiences => "build audiences",
        Permission.ManageAutomations => "change automations",
        Permission.ViewInsights => "view insights",
        Permission.ManageApiKeys => "manage API keys",
        _ => permission.ToString(),
    };
}

/// <summary>The roles a new directory starts with. The owner edits all but Owner, which always has everything.</summary>
public static class DefaultRoles
{
    public static IReadOnlyDictionary<string, IReadOnlySet<Permission>> Sets { get; } = new Dictionary<string, IReadOnlySet<Permission>>
    {
        [StaffRoles.Owner] = Permissions.All.ToHashSet(),
        [StaffRoles.Manager] = Permissions.All.Where(p => p != Permission.ManageStaff).ToHashSet(),
        [StaffRoles.FrontDesk] = new HashSet<Permission>
        {
            Permission.ViewProfiles, Permission.CreateProfiles, Permission.EditProfiles, Permission.TagProfiles,
            Permission.RecordActivity, Permission.ViewNotes, Permission.WriteNotes,
        },
        [StaffRoles.Marketer] = new HashSet<Permission>
        {
            Permission.ViewProfiles, Permission.ViewContactDetails, Permission.ViewFinancials, Permission.TagProfiles,
            Permission.ManageManualGroups, Permission.ManageAutomatedGroups, Permission.Export, Permission.ManageTags,
            Permission.BuildAudiences, Permission.ManageAutomations, Permission.ViewInsights,
        },
        [StaffRoles.ReadOnly] = new HashSet<Permission> { Permission.ViewProfiles },
    };
}
