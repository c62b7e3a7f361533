# A user's own flake: nixosConfigurations.laptop from nixpkgs.lib.nixosSystem, with its own
# disk layout (by label and mapping name, so it fits any machine installed the blog's way).
{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";

  outputs = { self, nixpkgs }: {
    nixosConfigurations.laptop = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [ ./configuration.nix ./disks.nix ];
    };
  };
}
