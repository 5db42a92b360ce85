namespace CustomerDirectory.App.Account;

internal static class AccountPaths
{
    public const string Login = "/account/login";
    public const string Logout = "/account/logout";
    public const string Setup = "/setup";
    public const string NoAccess = "/account/no-access";
}
