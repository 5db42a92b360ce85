using CustomerDirectory.Domain.Staff;

namespace CustomerDirectory.App.Components.Staff;

/// <summary>How the Roles tab groups the permissions: by what the person at the counter thinks of, not enum order.</summary>
internal static class PermissionGroups
{
    public static IReadOnlyList<(string Title, Permission[] Permissions)> All { get; } =
    [
        ("Profiles", [Permission.ViewProfiles, Permission.CreateProfiles, Permission.EditProfiles, Permission.DeleteProfiles, Permission.TagProfiles]),
        ("Contact details & financials", [Permission.ViewContactDetails, Permission.ViewFinancials]),
        ("Notes", [Permission.ViewNotes, Permission.WriteNotes]),
        ("Activity", [Permission.RecordActivity]),
        ("Groups", [Permission.ManageManualGroups, Permission.ManageAutomatedGroups]),
        ("Import & export", [Permission.Import, Permission.Export]),
        ("Marketing", [Permission.BuildAudiences, Permission.ManageAutomations, Permission.ViewInsights]),
        ("Administration", [Permission.ManageCustomFields, Permission.ManageTags, Permission.ManageStaff, Permission.ViewAuditLog, Permission.ManageSettings, Permission.ManageApiKeys]),
    ];
}
