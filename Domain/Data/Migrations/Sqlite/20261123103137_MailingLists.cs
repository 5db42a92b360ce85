using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CustomerDirectory.Domain.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class MailingLists : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "MailingLists",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    NameKey = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MailingLists", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ListSubscriptions",
                columns: table => new
                {
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    ListId = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstSubscribedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ListSubscriptions", x => new { x.CustomerId, x.ListId });
                    table.ForeignKey(
                        name: "FK_ListSubscriptions_Customers_CustomerId",
                        column: x => x.CustomerId,
                        principalTable: "Customers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ListSubscriptions_MailingLists_ListId",
                        column: x => x.ListId,
                        principalTable: "MailingLists",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ListSubscriptions_ListId_CustomerId",
                table: "ListSubscriptions",
                columns: new[] { "ListId", "CustomerId" });

            migrationBuilder.CreateIndex(
                name: "IX_MailingLists_NameKey",
                table: "MailingLists",
                column: "NameKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ListSubscriptions");

            migrationBuilder.DropTable(
                name: "MailingLists");
        }
    }
}
