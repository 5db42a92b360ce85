using CustomerDirectory.Domain.Audiences;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerDirectory.Domain.Data.Configurations;

internal sealed class AudienceConfiguration : IEntityTypeConfiguration<Audience>
{
    public void Configure(EntityTypeBuilder<Audience> builder)
    {
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Name).HasMaxLength(Audience.NameMaxLength).IsRequired();
        builder.Property(a => a.NameKey).HasMaxLength(Audience.NameMaxLength * 2).IsRequired();
        builder.HasIndex(a => a.NameKey).IsUnique();
        // By name, so a reordered enum never changes whom an audience sends to.
        builder.Property(a => a.Channel).HasConversion<string>().HasMaxLength(10);
        builder.Property(a => a.RuleJson).HasMaxLength(AudienceSnapshot.RuleMaxLength).IsRequired();
        builder.Property(a => a.CreatedBy).HasMaxLength(Audience.ActorMaxLength).IsRequired();
    }
}

/// <summary>Append-only: the migration adds triggers that refuse UPDATE and DELETE (see AudienceSnapshots migration).</summary>
internal sealed class AudienceSnapshotConfiguration : IEntityTypeConfiguration<AudienceSnapshot>
{
    public void Configure(EntityTypeBuilder<AudienceSnapshot> builder)
    {
        builder.HasKey(s => s.Id);
        // No foreign key to the audience: deleting an audience must leave the record of what was handed over.
        builder.HasIndex(s => s.AudienceId);
        builder.Property(s => s.AudienceName).HasMaxLength(AudienceSnapshot.AudienceNameMaxLength).IsRequired();
        builder.Property(s => s.Channel).HasConversion<string>().HasMaxLength(10);
        builder.Property(s => s.RuleJson).HasMaxLength(AudienceSnapshot.RuleMaxLength).IsRequired();
        builder.Property(s => s.TakenById).HasMaxLength(Audience.ActorMaxLength).IsRequired();
        builder.Property(s => s.TakenBy).HasMaxLength(Audience.ActorMaxLength).IsRequired();
    }
}

internal sealed class AudienceSnapshotMemberConfiguration : IEntityTypeConfiguration<AudienceSnapshotMember>
{
    public void Configure(EntityTypeBuilder<AudienceSnapshotMember> builder)
    {
        builder.HasKey(m => new { m.SnapshotId, m.CustomerId });
        // No foreign key to the profile: the snapshot records who it was even after the profile is deleted.
        builder.HasOne<AudienceSnapshot>().WithMany().HasForeignKey(m => m.SnapshotId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(m => m.Address).HasMaxLength(Customers.ContactRules.EmailMaxLength).IsRequired();
    }
}
