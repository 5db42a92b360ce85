using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.Net.Http.Headers;

namespace CustomerDirectory.App.Hosting;

/// <summary>
/// WORKAROUND, the only one of its kind here: serves <c>_framework/blazor.web.js</c>.
/// </summary>
/// <remarks>
/// The script normally ships in the package Microsoft.AspNetCore.App.Internal.Assets, which this machine's
/// package source does not have, so App.csproj sets <c>RequiresAspNetWebAssets=false</c>. The same script is
/// embedded as a manifest resource in Microsoft.AspNetCore.Components.Endpoints.dll of the .NET 9 runtime pack;
/// App.csproj downloads that pack (PackageDownload) and embeds the dll in this assembly, and this class reads
/// the script out of it with a metadata reader (nothing is loaded or executed). It drives a .NET 10 Interactive
/// Server app (clicks, re-render, enhanced navigation); a browser test covers it.
/// To remove: delete this file, its MapBlazorScript call, and the marked lines in App.csproj.
/// </remarks>
internal static class BlazorScript
{
    private const string ScriptPath = "/_framework/blazor.web.js";
    private const string SourceResource = "BlazorScriptSource.dll";
    private const string ScriptResource = "_framework/blazor.web.js";

    public static IEndpointConventionBuilder MapBlazorScript(this IEndpointRouteBuilder endpoints)
    {
        var script = Load();
        var etag = new EntityTagHeaderValue($"\"{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(script))[..16]}\"");
        return endpoints.MapGet(ScriptPath, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-cache";
            return Results.Bytes(script, "text/javascript", entityTag: etag);
        }).AllowAnonymous().ExcludeFromDescription();
    }

    internal static byte[] Load()
    {
        using var source = typeof(BlazorScript).Assembly.GetManifestResourceStream(SourceResource)
            ?? throw new InvalidOperationException($"Resource {SourceResource} is missing; see App.csproj.");
        using var pe = new PEReader(source);
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            if (!metadata.StringComparer.Equals(resource.Name, ScriptResource))
            {
                continue;
            }

            // Embedded resources sit in the CLI resources directory, each as a 4-byte length then the bytes.
            var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
            var reader = pe.GetSectionData(directory.RelativeVirtualAddress + (int)resource.Offset).GetReader();
            var length = reader.ReadInt32();
            return reader.ReadBytes(length);
        }

        throw new InvalidOperationException($"{ScriptResource} not found in {SourceResource}.");
    }
}
