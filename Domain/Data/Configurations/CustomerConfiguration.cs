using CustomerDirectory.Domain.Consent;
using CustomerDirectory.Domain.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerDirectory.Domain.Data.Configurations;

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> builder)
    {
        builder.HasKey(c => c.Id);
        builder.Property(c => c.FirstName).HasMaxLength(ContactRules.NameMaxLength).IsRequired();
        builder.Property(c => c.LastName).HasMaxLength(ContactRules.NameMaxLength).IsRequired();
        builder.Property(c => c.Email).HasMaxLength(ContactRules.EmailMaxLength);
        builder.Property(c => c.EmailKey).HasMaxLength(ContactRules.EmailMaxLength);
        builder.Property(c => c.Phone).HasMaxLength(ContactRules.PhoneMaxLength);
        builder.Property(c => c.PhoneKey).HasMaxLength(ContactRules.PhoneMaxLength);
        builder.Property(c => c.SearchText).HasMaxLength((2 * ContactRules.NameMaxLength) + ContactRules.EmailMaxLength + 2).IsRequired();
        builder.Property(c => c.SortName).HasMaxLength((2 * ContactRules.NameMaxLength) + 1).IsRequired();
        builder.Property(c => c.AddressLine).HasMaxLength(ContactRules.AddressLineMaxLength);
        builder.Property(c => c.PostalCode).HasMaxLength(ContactRules.PostalCodeMaxLength);
        builder.Property(c => c.City).HasMaxLength(ContactRules.CityMaxLength);
        builder.Property(c => c.Country).HasMaxLength(ContactRules.CountryMaxLength);
        builder.Property(c => c.Source).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Version).IsConcurrencyToken();
        builder.Ignore(c => c.AcceptsMarketingEmail);
        builder.Ignore(c => c.Prior);
        builder.ComplexProperty(c => c.EmailConsent, Consent);
        builder.ComplexProperty(c => c.SmsConsent, Consent);

        builder.HasIndex(c => c.EmailKey).IsUnique().HasFilter("\"EmailKey\" IS NOT NULL");
        builder.HasIndex(c => new { c.SortName, c.Id });
        builder.HasIndex(c => c.CreatedAt);
        builder.HasIndex(c => c.PhoneKey);
        // The directory sorts by these; Id makes each order total so paging is stable.
        builder.HasIndex(c => new { c.TotalSpentMinor, c.Id });
        builder.HasIndex(c => new { c.OrderCount, c.Id });
        builder.HasIndex(c => new { c.LastOrderAt, c.Id });
        builder.HasIndex(c => new { c.LastVisitAt, c.Id });
        // Insights: who came for the first time in a given week (a range on each, a few thousand rows a week at a million).
        builder.HasIndex(c => c.FirstVisitAt);
        builder.HasIndex(c => c.FirstOrderAt);
    }

    private static void Consent(ComplexPropertyBuilder<ChannelConsent> consent)
    {
        consent.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        consent.Property(c => c.Origin).HasConversion<string>().HasMaxLength(16);
        consent.Property(c => c.ChangedBy).HasMaxLength(2 * ContactRules.NameMaxLength);
        consent.Ignore(c => c.IsSubscribed);
    }
}
