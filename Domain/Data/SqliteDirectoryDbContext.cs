using Microsoft.EntityFrameworkCore;

namespace CustomerDirectory.Domain.Data;

/// <summary>Pins the SQLite provider and its migration set (Data/Migrations/Sqlite).</summary>
public sealed class SqliteDirectoryDbContext(DbContextOptions<SqliteDirectoryDbContext> options) : DirectoryDbContext(options);
