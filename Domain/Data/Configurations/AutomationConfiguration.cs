using CustomerDirectory.Domain.Automations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerDirectory.Domain.Data.Configurations;

internal sealed class AutomationConfiguration : IEntityTypeConfiguration<Automation>
{
    public void Configure(EntityTypeBuilder<Automation> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Name).HasMaxLength(Automation.NameMaxLength).IsRequired();
        // Deleting a group deletes what watches it (and, through the deliveries, their log).
        builder.HasOne<Groups.Group>().WithMany().HasForeignKey(a => a.GroupId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.Trigger).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.Reentry).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.Url).HasMaxLength(Automation.UrlMaxLength).IsRequired();
        builder.Property(a => a.Secret).HasMaxLength(Automation.SecretMaxLength).IsRequired();
        builder.Property(a => a.CreatedBy).HasMaxLength(200).IsRequired();
        builder.HasIndex(a => a.GroupId);
    }
}

internal sealed class AutomationDeliveryConfiguration : IEntityTypeConfiguration<AutomationDelivery>
{
    public void Configure(EntityTypeBuilder<AutomationDelivery> builder)
    {
        builder.HasKey(d => d.Id);
        builder.HasOne<Automation>().WithMany().HasForeignKey(d => d.AutomationId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(d => d.EventId).HasMaxLength(40).IsRequired();
        builder.HasIndex(d => d.EventId).IsUnique();
        builder.Property(d => d.Type).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.Cause).HasMaxLength(30).IsRequired();
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.HoldBatch).HasMaxLength(40);
        builder.Property(d => d.LastError).HasMaxLength(AutomationDelivery.ErrorMaxLength);
        builder.Property(d => d.Payload).HasMaxLength(AutomationDelivery.PayloadMaxLength);
        // The dispatcher's "due now" scan.
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        // The outbox's re-entry check (has this automation sent this person, since…) and the log per automation.
        builder.HasIndex(d => new { d.AutomationId, d.CustomerId, d.OccurredAt });
        builder.HasIndex(d => new { d.AutomationId, d.Status, d.HoldBatch });
    }
}

internal sealed class DeliveryAttemptConfiguration : IEntityTypeConfiguration<DeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<DeliveryAttempt> builder)
    {
        builder.HasKey(a => a.Id);
        builder.HasOne<AutomationDelivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.Error).HasMaxLength(AutomationDelivery.ErrorMaxLength);
        builder.HasIndex(a => a.DeliveryId);
    }
}
