using CustomerDirectory.Domain.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerDirectory.Domain.Data.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Action).HasMaxLength(AuditEntry.ActionMaxLength).IsRequired();
        builder.Property(a => a.ActorName).HasMaxLength(AuditEntry.NameMaxLength).IsRequired();
        builder.Property(a => a.ActorId).HasMaxLength(450);
        builder.Property(a => a.RecordType).HasMaxLength(40);
        builder.Property(a => a.RecordId).HasMaxLength(AuditEntry.RecordMaxLength);
        builder.Property(a => a.Summary).HasMaxLength(AuditEntry.SummaryMaxLength).IsRequired();
        builder.HasIndex(a => a.At);
        builder.HasIndex(a => new { a.CustomerId, a.Id });
        builder.HasIndex(a => new { a.Action, a.Id });
        builder.HasIndex(a => new { a.ActorId, a.Id });
    }
}
