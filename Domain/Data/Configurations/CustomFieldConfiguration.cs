using CustomerDirectory.Domain.CustomFields;
using CustomerDirectory.Domain.Customers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerDirectory.Domain.Data.Configurations;

internal sealed class CustomFieldConfiguration : IEntityTypeConfiguration<CustomField>
{
    public void Configure(EntityTypeBuilder<CustomField> builder)
    {
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Name).HasMaxLength(CustomField.NameMaxLength).IsRequired();
        builder.Property(f => f.NameKey).HasMaxLength(CustomField.NameMaxLength * 2).IsRequired();
        builder.Property(f => f.Type).HasConversion<string>().HasMaxLength(16);
        builder.Property(f => f.Visibility).HasConversion<string>().HasMaxLength(16);
        builder.Ignore(f => f.HasOptions);
        builder.HasMany(f => f.Options).WithOne().HasForeignKey(o => o.FieldId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(f => f.NameKey).IsUnique();
    }
}

internal sealed class CustomFieldOptionConfiguration : IEntityTypeConfiguration<CustomFieldOption>
{
    public void Configure(EntityTypeBuilder<CustomFieldOption> builder)
    {
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Label).HasMaxLength(CustomFieldOption.LabelMaxLength).IsRequired();
    }
}

internal sealed class CustomFieldValueConfiguration : IEntityTypeConfiguration<CustomFieldValue>
{
    public void Configure(EntityTypeBuilder<CustomFieldValue> builder)
    {
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Text).HasMaxLength(CustomFieldService.TextMaxLength);
        builder.HasOne<Customer>().WithMany().HasForeignKey(v => v.CustomerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CustomField>().WithMany().HasForeignKey(v => v.FieldId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<CustomFieldOption>().WithMany().HasForeignKey(v => v.OptionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(v => new { v.CustomerId, v.FieldId });
        builder.HasIndex(v => new { v.FieldId, v.OptionId });
    }
}
