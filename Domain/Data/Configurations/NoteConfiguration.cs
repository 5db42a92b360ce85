using CustomerDirectory.Domain.Customers;
using CustomerDirectory.Domain.Notes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CustomerDirectory.Domain.Data.Configurations;

internal sealed class NoteConfiguration : IEntityTypeConfiguration<Note>
{
    public void Configure(EntityTypeBuilder<Note> builder)
    {
        builder.HasKey(n => n.Id);
        builder.Property(n => n.AuthorId).HasMaxLength(450).IsRequired();
        builder.Property(n => n.AuthorName).HasMaxLength(2 * ContactRules.NameMaxLength).IsRequired();
        builder.Property(n => n.Text).HasMaxLength(Note.TextMaxLength).IsRequired();
        builder.HasOne<Customer>().WithMany().HasForeignKey(n => n.CustomerId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(n => new { n.CustomerId, n.CreatedAt });
    }
}
