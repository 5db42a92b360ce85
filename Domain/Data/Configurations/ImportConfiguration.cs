using CustomerDirectory.Domain.Transfer.Import;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerDirectory.Domain.Data.Configurations;

internal sealed class ImportRunConfiguration : IEntityTypeConfiguration<ImportRun>
{
    public void Configure(EntityTypeBuilder<ImportRun> builder)
    {
        builder.HasKey(r => r.Id);
        builder.Property(r => r.FileName).HasMaxLength(ImportRun.FileNameMaxLength).IsRequired();
        builder.Property(r => r.StoredFile).HasMaxLength(100).IsRequired();
        builder.Property(r => r.CreatedById).HasMaxLength(450).IsRequired();
        builder.Property(r => r.CreatedByName).HasMaxLength(200).IsRequired();
        builder.Property(r => r.UndoneByName).HasMaxLength(200);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Error).HasMaxLength(2000);
        builder.Property(r => r.UndoSummary).HasMaxLength(2000);
    }
}

internal sealed class ImportChangeConfiguration : IEntityTypeConfiguration<ImportChange>
{
    public void Configure(EntityTypeBuilder<ImportChange> builder)
    {
        builder.HasKey(c => c.Id);
        builder.HasOne<ImportRun>().WithMany().HasForeignKey(c => c.ImportRunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.ImportRunId, c.CustomerId });
    }
}

internal sealed class ImportRejectConfiguration : IEntityTypeConfiguration<ImportReject>
{
    public void Configure(EntityTypeBuilder<ImportReject> builder)
    {
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Raw).HasMaxLength(ImportReject.RawMaxLength + 1).IsRequired();
        builder.Property(r => r.Reason).HasMaxLength(2000).IsRequired();
        builder.HasOne<ImportRun>().WithMany().HasForeignKey(r => r.ImportRunId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.ImportRunId, r.Line });
    }
}
