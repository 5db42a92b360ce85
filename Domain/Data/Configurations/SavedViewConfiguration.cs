using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Filters;
using CustomerDirectory.Domain.Views;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerDirectory.Domain.Data.Configurations;

internal sealed class SavedViewConfiguration : IEntityTypeConfiguration<SavedView>
{
    public void Configure(EntityTypeBuilder<SavedView> builder)
    {
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Name).HasMaxLength(SavedView.NameMaxLength).IsRequired();
        builder.Property(v => v.NameKey).HasMaxLength(SavedView.NameMaxLength * 2).IsRequired();
        builder.HasIndex(v => v.NameKey).IsUnique();
        builder.Property(v => v.FilterJson).HasMaxLength(FilterDefinition.MaxJsonLength).IsRequired();
        builder.Property(v => v.Text).HasMaxLength(CustomerSearch.MaxTextLength);
        // By name, so a reordered enum never changes what a saved view sorts by.
        builder.Property(v => v.Sort).HasConversion<string>().HasMaxLength(20);
        builder.Property(v => v.CreatedBy).HasMaxLength(SavedView.CreatedByMaxLength).IsRequired();
    }
}
