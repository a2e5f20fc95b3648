"""Generates the model fixtures of io.fadconv.model tests from the reference PyTorch code.

Run with REF pointing at a directory that holds the reference packages (not committed here):
  REF/segmentation_models_pytorch/...  files of qubvel-org/segmentation_models.pytorch
      (base/modules.py, base/heads.py, encoders/_base.py, encoders/_utils.py, encoders/resnet.py,
       encoders/mobilenet.py, decoders/unet/decoder.py, decoders/deeplabv3/decoder.py; empty
       __init__.py files)
  REF/torchvision/models/{resnet.py,mobilenetv2.py} from pytorch/vision (architecture classes)
Usage: REF=/path python make_fixtures.py   (writes into the current directory)
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.environ["REF"])
from segmentation_models_pytorch.base.heads import SegmentationHead  # noqa: E402
from segmentation_models_pytorch.decoders.deeplabv3.decoder import DeepLabV3PlusDecoder  # noqa
from segmentation_models_pytorch.decoders.unet.decoder import UnetDecoder  # noqa: E402
from segmentation_models_pytorch.encoders.mobilenet import MobileNetV2Encoder  # noqa: E402
from segmentation_models_pytorch.encoders.resnet import ResNetEncoder  # noqa: E402
from torchvision.models.mobilenetv2 import InvertedResidual  # noqa: E402
from torchvision.models.resnet import BasicBlock  # noqa: E402

torch.manual_seed(0)


class Seg(nn.Module):
    """smp's SegmentationModel.forward: encoder -> decoder -> segmentation_head."""

    def __init__(self, encoder, decoder, head, final=None):
        super().__init__()
        self.encoder, self.decoder, self.segmentation_head = encoder, decoder, head
        self.final = final

    def forward(self, x):
        y = self.segmentation_head(self.decoder(self.encoder(x)))
        return self.final(y, x) if self.final else y


def resnet_encoder(layers, div, in_ch, output_stride=32):
    """smp's ResNetEncoder with every width divided by div (torchvision layout otherwise)."""

    class Narrow(ResNetEncoder):
        def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
            if planes == 64:  # layer1: the stem's width is divided too
                self.inplanes = 64 // div
            return super()._make_layer(block, planes // div, blocks, stride, dilate)

    c = [in_ch, 64 // div, 64 // div, 128 // div, 256 // div, 512 // div]
    enc = Narrow(out_channels=c, block=BasicBlock, layers=layers)
    enc.conv1 = nn.Conv2d(in_ch, 64 // div, 7, 2, 3, bias=False)
    enc.bn1 = nn.BatchNorm2d(64 // div)
    if output_stride != 32:
        enc.make_dilated(output_stride)
    return enc


def unet(encoder, channels, classes):
    dec = UnetDecoder(encoder_channels=encoder.out_channels, decoder_channels=channels, n_blocks=5)
    return Seg(encoder, dec, SegmentationHead(channels[-1], classes, kernel_size=3))


def deeplab_smp(encoder, channels, classes, rates):
    dec = DeepLabV3PlusDecoder(encoder.out_channels, 5, channels, rates, 16, True, 0.0)
    return Seg(encoder, dec, SegmentationHead(channels, classes, kernel_size=1, upsampling=4))


class PaperDecoder(nn.Module):
    """The 'paper' variant: smp's plain ASPP, block1, one plain 3x3 conv-BN-ReLU, resizing with
    align_corners=False (torchvision-style DeepLabV3+ head)."""

    def __init__(self, enc_ch, channels, rates):
        super().__init__()
        smp = DeepLabV3PlusDecoder(enc_ch, 5, channels, rates, 16, False, 0.0)
        self.aspp = nn.Sequential(smp.aspp[0])
        self.block1 = smp.block1
        self.block2 = nn.Sequential(nn.Conv2d(channels + 48, channels, 3, padding=1, bias=False),
                                    nn.BatchNorm2d(channels), nn.ReLU())

    def forward(self, features):
        a = self.aspp(features[-1])
        low = self.block1(features[2])
        a = F.interpolate(a, size=low.shape[2:], mode="bilinear", align_corners=False)
        return self.block2(torch.cat([a, low], dim=1))


def deeplab_paper(encoder, channels, classes, rates):
    dec = PaperDecoder(encoder.out_channels, channels, rates)
    head = nn.Sequential(nn.Conv2d(channels, classes, 1))
    return Seg(encoder, dec, head, final=lambda y, x: F.interpolate(
        y, size=x.shape[2:], mode="bilinear", align_corners=False))


def randomize(model):
    g = torch.Generator().manual_seed(1)
    for name, t in model.state_dict().items():
        if t.dtype != torch.float32:
            continue
        if name.endswith("running_var"):
            t.copy_(torch.rand(t.shape, generator=g) + 0.5)
        elif name.endswith("running_mean"):
            t.copy_(torch.rand(t.shape, generator=g) - 0.5)
        elif t.dim() == 1 and name.endswith("weight"):
            t.copy_(torch.rand(t.shape, generator=g) + 0.5)
        elif t.dim() == 1:
            t.copy_((torch.rand(t.shape, generator=g) - 0.5) * 0.4)
        else:
            fan_in = t[0].numel()
            t.copy_(torch.randn(t.shape, generator=g) * (2.0 / fan_in) ** 0.5)


def save_numeric(name, model, x):
    """Weights (state_dict names) and inputs/outputs: eval and train mode, BN stats after train."""
    randomize(model)
    weights = {k: v.numpy() for k, v in model.state_dict().items()}
    np.savez(name + ".weights.npz", **weights)
    model.eval()
    with torch.no_grad():
        ev = model(x)
    model.train()
    with torch.no_grad():
        tr = model(x)
    after = {"after." + k: v.numpy() for k, v in model.state_dict().items()
             if k.endswith("running_mean") or k.endswith("running_var")}
    np.savez(name + ".io.npz", input=x.numpy(), eval=ev.numpy(), train=tr.numpy(), **after)


def save_keys(name, model):
    with open(name + ".keys.txt", "w") as f:
        for k, v in model.state_dict().items():
            f.write(k + " " + "x".join(str(d) for d in v.shape) + "\n")


# ---- key and shape lists of the full-size networks (static convolutions)
save_keys("resnet18-unet", unet(resnet_encoder([2, 2, 2, 2], 1, 3), (256, 128, 64, 32, 16), 6))
save_keys("resnet34-unet", unet(resnet_encoder([3, 4, 6, 3], 1, 3), (256, 128, 64, 32, 16), 6))
save_keys("resnet18x0.25-unet", unet(resnet_encoder([2, 2, 2, 2], 4, 4), (64, 32, 16, 8, 4), 2))
mb = MobileNetV2Encoder(out_channels=[3, 16, 24, 32, 96, 1280])
save_keys("mobilenetv2-unet", unet(mb, (256, 128, 64, 32, 16), 6))
save_keys("deeplabv3plus-resnet18.smp",
          deeplab_smp(resnet_encoder([2, 2, 2, 2], 1, 3, 16), 256, 6, (6, 12, 18)))
save_keys("deeplabv3plus-resnet18.paper",
          deeplab_paper(resnet_encoder([2, 2, 2, 2], 1, 3, 16), 256, 6, (6, 12, 18)))

# ---- numeric fixtures of tiny networks (widths / 32)
save_numeric("tiny-resnet18-unet",
             unet(resnet_encoder([2, 2, 2, 2], 32, 4), (8, 8, 4, 4, 4), 2),
             torch.randn(1, 4, 32, 64))
save_numeric("tiny-deeplab-smp",
             deeplab_smp(resnet_encoder([2, 2, 2, 2], 32, 3, 16), 8, 2, (1, 2, 3)),
             torch.randn(2, 3, 32, 64))
save_numeric("tiny-deeplab-paper",
             deeplab_paper(resnet_encoder([2, 2, 2, 2], 32, 3, 16), 8, 2, (1, 2, 3)),
             torch.randn(2, 3, 32, 64))
# one MobileNetV2 block of each kind (t = 6 with residual, t = 6 strided, t = 1)
for name, block, shape in (("invres-t6-s1", InvertedResidual(8, 8, 1, 6), (2, 8, 12, 10)),
                           ("invres-t6-s2", InvertedResidual(8, 12, 2, 6), (2, 8, 12, 10)),
                           ("invres-t1", InvertedResidual(8, 4, 1, 1), (2, 8, 12, 10))):
    save_numeric(name, block, torch.randn(*shape))
