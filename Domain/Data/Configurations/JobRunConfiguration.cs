using CustomerDirectory.Domain.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerDirectory.Domain.Data.Configurations;

internal sealed class JobRunConfiguration : IEntityTypeConfiguration<JobRun>
{
    public void Configure(EntityTypeBuilder<JobRun> builder)
    {
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Job).HasMaxLength(JobRun.NameMaxLength).IsRequired();
        builder.Property(r => r.Reason).HasMaxLength(JobRun.NameMaxLength).IsRequired();
        builder.Property(r => r.Error).HasMaxLength(JobRun.ErrorMaxLength);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(r => new { r.Job, r.Id });
    }
}
