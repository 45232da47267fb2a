# Packer template of the consolidated host's AMI (seed: infra/ami). Amazon Linux 2023 with Docker,
# the Docker Compose plugin and the CloudWatch agent preinstalled at pinned versions, so a host
# boots straight into `docker compose pull` instead of installing them on every replacement (the
# user data still installs them on stock AL2023, which is the fallback when no AMI is configured).
#
#   packer init infra/ami && packer validate infra/ami && packer build infra/ami
#   then: tradai:consolidatedAmiId: ami-... in infra/compute/Pulumi.<env>.yaml
#
# Every version below is pinned. The AL2023 release (dnf releasever) is locked too, so the same
# template builds the same packages; bump the release and the package versions together (dnf
# fails the build when a pinned version is not in the locked release's repository).

packer {
  required_plugins {
    amazon = {
      version = "= 1.3.6"
      source  = "github.com/hashicorp/amazon"
    }
  }
}

variable "region" {
  type    = string
  default = "eu-central-1"
}

# The AL2023 release the base image and the package repository are locked to.
variable "al2023_release" {
  type    = string
  default = "2023.6.20241121.0"
}

variable "docker_version" {
  type    = string
  default = "25.0.6-1.amzn2023.0.2"
}

# Same release the user data installs on stock AL2023 (COMPOSE_VERSION in infra/compute/modules/ec2_userdata.ts).
variable "compose_version" {
  type    = string
  default = "v2.29.7"
}

variable "cloudwatch_agent_version" {
  type    = string
  default = "1.300049.1-1.amzn2023"
}

locals {
  # EC2_CONSOLIDATED_CONFIG: t3.small (x86_64) with a 30 GB gp3 root; the AMI's root may not be larger.
  architecture   = "x86_64"
  instance_type  = "t3.small"
  root_volume_gb = 30
  timestamp      = formatdate("YYYYMMDDhhmmss", timestamp())
}

source "amazon-ebs" "consolidated" {
  region        = var.region
  instance_type = local.instance_type
  ami_name      = "tradai-consolidated-${var.al2023_release}-${local.timestamp}"
  ssh_username  = "ec2-user"

  source_ami_filter {
    filters = {
      name                = "al2023-ami-${var.al2023_release}-kernel-6.1-${local.architecture}"
      architecture        = local.architecture
      virtualization-type = "hvm"
      root-device-type    = "ebs"
    }
    owners      = ["amazon"]
    most_recent = true
  }

  launch_block_device_mappings {
    device_name           = "/dev/xvda"
    volume_size           = local.root_volume_gb
    volume_type           = "gp3"
    encrypted             = true
    delete_on_termination = true
  }

  encrypt_boot = true

  # IMDSv2 only, as the launch template requires.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 2
  }
  imds_support = "v2.0"

  tags = {
    Application     = "tradai"
    Component       = "consolidated"
    BaseRelease     = var.al2023_release
    Docker          = var.docker_version
    Compose         = var.compose_version
    CloudWatchAgent = var.cloudwatch_agent_version
  }
}

build {
  sources = ["source.amazon-ebs.consolidated"]

  # Lock the repository to the base release, then install the pinned packages.
  provisioner "shell" {
    environment_vars = [
      "AL2023_RELEASE=${var.al2023_release}",
      "DOCKER_VERSION=${var.docker_version}",
      "CLOUDWATCH_AGENT_VERSION=${var.cloudwatch_agent_version}",
    ]
    inline = [
      "set -euo pipefail",
      "echo \"$AL2023_RELEASE\" | sudo tee /etc/dnf/vars/releasever",
      "sudo dnf install -y --releasever=\"$AL2023_RELEASE\" python3-dnf-plugin-versionlock \"docker-$DOCKER_VERSION\" \"amazon-cloudwatch-agent-$CLOUDWATCH_AGENT_VERSION\"",
      # A later `dnf upgrade` on the host must not move them.
      "sudo dnf versionlock add docker amazon-cloudwatch-agent",
      "sudo systemctl enable docker",
    ]
  }

  # The Compose plugin, checked against the checksum published with the release.
  provisioner "shell" {
    environment_vars = ["COMPOSE_VERSION=${var.compose_version}"]
    inline = [
      "set -euo pipefail",
      "cd /tmp",
      "base=https://github.com/docker/compose/releases/download/$COMPOSE_VERSION",
      "curl -fsSLO \"$base/docker-compose-linux-x86_64\"",
      "curl -fsSLO \"$base/docker-compose-linux-x86_64.sha256\"",
      "sha256sum -c docker-compose-linux-x86_64.sha256",
      "sudo install -D -m 0755 docker-compose-linux-x86_64 /usr/local/lib/docker/cli-plugins/docker-compose",
      "rm -f docker-compose-linux-x86_64 docker-compose-linux-x86_64.sha256",
    ]
  }

  # Fail the build unless what is installed is exactly what is pinned.
  provisioner "shell" {
    environment_vars = [
      "DOCKER_VERSION=${var.docker_version}",
      "COMPOSE_VERSION=${var.compose_version}",
      "CLOUDWATCH_AGENT_VERSION=${var.cloudwatch_agent_version}",
    ]
    inline = [
      "set -euo pipefail",
      "test \"$(rpm -q --qf '%%{VERSION}-%%{RELEASE}' docker)\" = \"$DOCKER_VERSION\"",
      "test \"$(rpm -q --qf '%%{VERSION}-%%{RELEASE}' amazon-cloudwatch-agent)\" = \"$CLOUDWATCH_AGENT_VERSION\"",
      "test \"$(sudo docker compose version --short)\" = \"$${COMPOSE_VERSION#v}\"",
    ]
  }

  # Leave no build-time identity behind: every host gets its own SSH keys and cloud-init run.
  provisioner "shell" {
    inline = [
      "sudo dnf clean all",
      "sudo rm -f /etc/ssh/ssh_host_*",
      "sudo cloud-init clean --logs",
    ]
  }

  post-processor "manifest" {
    output     = "manifest.json"
    strip_path = true
  }
}
