using CustomerDirectory.Domain.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerDirectory.Domain.Data.Configurations;

internal sealed class StaffUserConfiguration : IEntityTypeConfiguration<StaffUser>
{
    public void Configure(EntityTypeBuilder<StaffUser> builder) =>
        builder.Property(u => u.DisplayName).HasMaxLength(Customers.ContactRules.NameMaxLength * 2).IsRequired();
}
