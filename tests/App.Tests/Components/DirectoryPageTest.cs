using Bunit;
using Bunit.TestDoubles;
using CustomerDirectory.App.Components.Customers;
using CustomerDirectory.Domain.Filters;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace CustomerDirectory.App.Tests.Components;

/// <summary>The directory page with three customers (two Bernards, one in Lyon, one in Paris), and helpers to drive its filter bar.</summary>
public abstract class DirectoryPageTest : ComponentTestContext
{
    protected DirectoryPageTest() => Auth = AddAuthorization();

    protected BunitAuthorizationContext Auth { get; }

    protected BunitNavigationManager Navigation => Services.GetRequiredService<BunitNavigationManager>();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Customers.CreateAsync(new() { FirstName = "Hugo", LastName = "Bernard", Email = "hugo@example.com", City = "Lyon" });
        await Customers.CreateAsync(new() { FirstName = "Paul", LastName = "Bernard", Email = "paul@example.org", City = "Paris" });
        await Customers.CreateAsync(new() { FirstName = "Zoé", LastName = "Martin", Email = "zoe@example.com" });
    }

    protected static string Token(params FilterNode[] items) => new FilterDefinition { Root = FilterNode.All(items) }.ToUrlToken();

    protected static string Count(IRenderedComponent<CustomerList> cut) => cut.Find("[data-testid=result-count]").TextContent;

    protected static IReadOnlyList<string> Names(IRenderedComponent<CustomerList> cut) =>
        [.. cut.FindAll("a.customer-link").Select(a => a.TextContent.Trim())];

    /// <summary>The filter in the address now, as JSON (null when there is none).</summary>
    protected string? FilterInAddress()
    {
        var query = QueryHelpers.ParseQuery(new Uri(Navigation.Uri).Query);
        return query.TryGetValue("f", out var f) ? FilterDefinition.FromUrlToken(f.ToString()).ToJson() : null;
    }

    protected IRenderedComponent<CustomerList> RenderList(string? query = null)
    {
        if (query is not null)
        {
            Navigation.NavigateTo($"customers?{query}");
        }

        var cut = Render<CustomerList>();
        cut.WaitForAssertion(() => Assert.NotEmpty(Count(cut)));
        return cut;
    }

    /// <summary>Adds a condition at the end of the top level (or of the first <paramref name="scope"/>) and fills it in.</summary>
    protected static void AddCondition(IRenderedComponent<CustomerList> cut, string field, string? op, string? value, string scope = "[data-testid=filter-root]")
    {
        var index = cut.FindAll($"{scope} [data-testid=filter-condition]").Count;
        cut.FindAll($"{scope} [data-testid=add-condition]")[^1].Click();
        AngleSharp.Dom.IElement Part(string part) => cut.FindAll($"{scope} [data-testid=filter-condition]")[index].QuerySelector($"[data-testid={part}]")!;
        Part("filter-field").Change(field);
        if (op is not null)
        {
            Part("filter-op").Change(op);
        }

        if (value is not null)
        {
            Part("filter-value").Change(value);
        }
    }
}
