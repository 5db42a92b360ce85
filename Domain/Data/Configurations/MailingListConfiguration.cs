using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Lists;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerDirectory.Domain.Data.Configurations;

internal sealed class MailingListConfiguration : IEntityTypeConfiguration<MailingList>
{
    public void Configure(EntityTypeBuilder<MailingList> builder)
    {
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Name).HasMaxLength(MailingList.NameMaxLength).IsRequired();
        builder.Property(l => l.NameKey).HasMaxLength(MailingList.NameMaxLength * 2).IsRequired();
        builder.HasIndex(l => l.NameKey).IsUnique();
    }
}

internal sealed class ListSubscriptionConfiguration : IEntityTypeConfiguration<ListSubscription>
{
    public void Configure(EntityTypeBuilder<ListSubscription> builder)
    {
        builder.HasKey(s => new { s.CustomerId, s.ListId });
        builder.HasOne<Customer>().WithMany().HasForeignKey(s => s.CustomerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<MailingList>().WithMany().HasForeignKey(s => s.ListId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => new { s.ListId, s.CustomerId });
    }
}
