using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerDirectory.Domain.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Audiences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Audiences",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    NameKey = table.Column<string>(type: "TEXT", maxLength: 160, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    RuleJson = table.Column<string>(type: "TEXT", maxLength: 307200, nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Audiences", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AudienceSnapshots",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AudienceId = table.Column<int>(type: "INTEGER", nullable: false),
                    AudienceName = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    RuleJson = table.Column<string>(type: "TEXT", maxLength: 307200, nullable: false),
                    TakenAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    TakenById = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    TakenBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Size = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AudienceSnapshots", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AudienceSnapshotMembers",
                columns: table => new
                {
                    SnapshotId = table.Column<int>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    Address = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AudienceSnapshotMembers", x => new { x.SnapshotId, x.CustomerId });
                    table.ForeignKey(
                        name: "FK_AudienceSnapshotMembers_AudienceSnapshots_SnapshotId",
                        column: x => x.SnapshotId,
                        principalTable: "AudienceSnapshots",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Audiences_NameKey",
                table: "Audiences",
                column: "NameKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AudienceSnapshots_AudienceId",
                table: "AudienceSnapshots",
                column: "AudienceId");

            // HAND-WRITTEN: snapshots are append-only, like the audit log: the database itself refuses to change or
            // remove a snapshot or one of its members (EF cannot express triggers; the model has no update path either).
            migrationBuilder.Sql("CREATE TRIGGER AudienceSnapshots_NoUpdate BEFORE UPDATE ON AudienceSnapshots BEGIN SELECT RAISE(ABORT, 'Audience snapshots never change.'); END;");
            migrationBuilder.Sql("CREATE TRIGGER AudienceSnapshots_NoDelete BEFORE DELETE ON AudienceSnapshots BEGIN SELECT RAISE(ABORT, 'Audience snapshots never change.'); END;");
            migrationBuilder.Sql("CREATE TRIGGER AudienceSnapshotMembers_NoUpdate BEFORE UPDATE ON AudienceSnapshotMembers BEGIN SELECT RAISE(ABORT, 'Audience snapshots never change.'); END;");
            migrationBuilder.Sql("CREATE TRIGGER AudienceSnapshotMembers_NoDelete BEFORE DELETE ON AudienceSnapshotMembers BEGIN SELECT RAISE(ABORT, 'Audience snapshots never change.'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Audiences");

            migrationBuilder.DropTable(
                name: "AudienceSnapshotMembers");

            migrationBuilder.DropTable(
                name: "AudienceSnapshots");
        }
    }
}
