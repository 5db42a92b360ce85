using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CustomerDirectory.Domain.Data;

/// <summary>Lets <c>dotnet ef</c> build the SQLite context without starting the app.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteDirectoryDbContext>
{
    public SqliteDirectoryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteDirectoryDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
