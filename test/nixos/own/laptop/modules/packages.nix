{ pkgs, ... }:

{
  environment.systemPackages = [ pkgs.git pkgs.tmux ];
}
