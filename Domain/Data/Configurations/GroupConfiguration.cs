using CustomerDirectory.Domain.Groups;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerDirectory.Domain.Data.Configurations;

internal sealed class GroupConfiguration : IEntityTypeConfiguration<Group>
{
    public void Configure(EntityTypeBuilder<Group> builder)
    {
        builder.HasKey(g => g.Id);
        builder.Property(g => g.Name).HasMaxLength(Group.NameMaxLength).IsRequired();
        builder.Property(g => g.NameKey).HasMaxLength(Group.NameMaxLength * 2).IsRequired();
        builder.HasIndex(g => g.NameKey).IsUnique();
        builder.Property(g => g.Description).HasMaxLength(Group.DescriptionMaxLength);
        // Enums by name, so a reordered enum never changes what is stored.
        builder.Property(g => g.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(g => g.Predefined).HasConversion<string>().HasMaxLength(30);
        builder.Property(g => g.RuleJson).HasMaxLength(Filters.FilterDefinition.MaxJsonLength);
        builder.Property(g => g.StayRuleJson).HasMaxLength(Filters.FilterDefinition.MaxJsonLength);
        builder.Property(g => g.CreatedBy).HasMaxLength(200).IsRequired();
        builder.Property(g => g.LastError).HasMaxLength(Group.ErrorMaxLength);
        builder.Property(g => g.Version).IsConcurrencyToken();
    }
}

internal sealed class GroupMemberConfiguration : IEntityTypeConfiguration<GroupMember>
{
    public void Configure(EntityTypeBuilder<GroupMember> builder)
    {
        builder.HasKey(m => m.Id);
        builder.HasOne<Group>().WithMany().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(m => m.EnterCause).HasConversion<string>().HasMaxLength(30);
        builder.Property(m => m.LeaveCause).HasConversion<string>().HasMaxLength(30);
        builder.Property(m => m.EnteredBy).HasMaxLength(GroupMember.ActorMaxLength);
        builder.Property(m => m.LeftBy).HasMaxLength(GroupMember.ActorMaxLength);
        // One open stay per profile and group: the current membership, and the engine's lookups.
        builder.HasIndex(m => new { m.GroupId, m.CustomerId }).IsUnique().HasFilter("LeftAt IS NULL").HasDatabaseName("IX_GroupMembers_Open");
        // The profile's groups and history.
        builder.HasIndex(m => new { m.CustomerId, m.GroupId });
        // "Joined within…", "entered/left in the last 30 days".
        builder.HasIndex(m => new { m.GroupId, m.EnteredAt });
        // The group page's "newest members first": current members in entry order, without walking past stays.
        builder.HasIndex(m => new { m.GroupId, m.EnteredAt, m.Id }).HasFilter("LeftAt IS NULL").HasDatabaseName("IX_GroupMembers_OpenByEntry");
        builder.HasIndex(m => new { m.GroupId, m.LeftAt });
    }
}

internal sealed class GroupOverrideConfiguration : IEntityTypeConfiguration<GroupOverride>
{
    public void Configure(EntityTypeBuilder<GroupOverride> builder)
    {
        builder.HasKey(o => new { o.GroupId, o.CustomerId });
        builder.HasOne<Group>().WithMany().HasForeignKey(o => o.GroupId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Customers.Customer>().WithMany().HasForeignKey(o => o.CustomerId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(o => o.By).HasMaxLength(GroupMember.ActorMaxLength).IsRequired();
    }
}

internal sealed class MerchantSettingConfiguration : IEntityTypeConfiguration<MerchantSetting>
{
    public void Configure(EntityTypeBuilder<MerchantSetting> builder)
    {
        builder.HasKey(s => s.Key);
        builder.Property(s => s.Key).HasMaxLength(MerchantSetting.KeyMaxLength);
        builder.Property(s => s.Value).HasMaxLength(MerchantSetting.ValueMaxLength).IsRequired();
    }
}
