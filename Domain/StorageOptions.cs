using Microsoft.Extensions.Configuration;

namespace CustomerDirectory.Domain;

/// <summary>Where the embedded default keeps its files (<c>Storage:DataFolder</c>).</summary>
public sealed record StorageOptions(string DataFolder)
{
    /// <summary>Reads the data folder; a relative path is resolved against the current directory and the folder is created.</summary>
    public static StorageOptions From(IConfiguration configuration)
    {
        var folder = Path.GetFullPath(configuration["Storage:DataFolder"] is { Length: > 0 } configured ? configured : "data");
        System.IO.Directory.CreateDirectory(folder);
        return new StorageOptions(folder);
    }
}
