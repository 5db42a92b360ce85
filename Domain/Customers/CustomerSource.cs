namespace CustomerDirectory.Domain.Customers;

/// <summary>How a person came into the directory.</summary>
public enum CustomerSource
{
    Unknown,
    WebsiteSignUp,
    Checkout,
    AddedByHand,
    Imported,
    Api,
}
